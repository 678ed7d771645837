"""Screens for certification: eligibility, approval, the register, schemes and certificates."""
