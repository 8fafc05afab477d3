"""Checks comparing what a policy says with what PubMed says.

(Stub until the `pubmed` branch lands.)
"""
