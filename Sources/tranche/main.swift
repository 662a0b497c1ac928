print("tranche")
