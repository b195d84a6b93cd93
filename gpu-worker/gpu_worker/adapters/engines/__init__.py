"""Image engines behind one interface (domain/images.py), chosen by configuration."""
