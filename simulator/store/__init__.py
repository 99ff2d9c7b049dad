"""The store: the only code that talks to SQLite. See connection.py for how units of work run."""
