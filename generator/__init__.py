"""ontrack: publish the results of VET graduate tracking as a static site and open data."""

__version__ = "0.1.0"
