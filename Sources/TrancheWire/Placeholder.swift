enum TrancheWirePlaceholder {}
