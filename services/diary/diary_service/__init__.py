"""GriDam diary service: diaries, diary photos and the durable work owed for them."""
