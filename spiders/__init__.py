"""Spiders: they fetch and navigate; every page is parsed by `archiver` library code."""
