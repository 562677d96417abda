"""Reproduction recipes run through the recipe contract; imports nothing from claimlab."""
