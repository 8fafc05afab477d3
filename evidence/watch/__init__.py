"""The watch room (issue #14): what changed between two copies of a PubMed record, review
intervals, and the digest a watch writes. Pure: no store, no network."""
