"""Tests of bot/rendering."""
