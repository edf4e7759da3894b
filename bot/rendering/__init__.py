"""Plain-text rendering of the answers: claims, figures, evidence, editorial records, digests."""
