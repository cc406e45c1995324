"""Normalization: canonical labels, targets, units, money and codes, plus quality findings."""
