"""The harvest: words, grouping, labels, quotes, privacy, curation and feedback (see README.md)."""
