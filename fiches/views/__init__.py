"""Fiche screens, one module per screen: intake, detail (and actions), lists (and exports)."""
