"""GriDam card service: card jobs, cards, card images and regeneration."""
