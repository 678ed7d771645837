"""スキル screens: catalogues, per-person skills, demand and the heat map."""
