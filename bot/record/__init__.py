"""The desk's record: the store (SQLite), editorial rulings and notes, digests, exports."""
