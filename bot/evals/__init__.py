"""Evaluation packs and their figures."""
