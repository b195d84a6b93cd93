"""Emotion analysis: classifiers behind one interface, plus hashtags, feedback and safety."""
