"""The emotion service's pure pieces: keyword aggregation and word-cloud drawing (the analysers move here next, as domain/analysis/)."""
