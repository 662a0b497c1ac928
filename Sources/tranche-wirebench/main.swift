print("tranche-wirebench: not yet")
