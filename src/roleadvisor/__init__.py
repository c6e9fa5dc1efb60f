"""roleadvisor: a terminal career advisor for choosing between AI roles."""

__version__ = "0.1.0"
