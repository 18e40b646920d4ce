"""The edges: the code that talks to the world outside the process (here, the database)."""
