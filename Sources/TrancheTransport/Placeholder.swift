enum TrancheTransportPlaceholder {}
