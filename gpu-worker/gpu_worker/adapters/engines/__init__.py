"""Image engines behind one interface (base.py), chosen by configuration."""
