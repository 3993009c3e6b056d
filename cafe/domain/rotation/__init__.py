"""Seating a café: table counts and the whole-café rotation planner (see README.md)."""
