"""GriDam emotion service: emotion analyses, statistics, word clouds and safety flags."""
