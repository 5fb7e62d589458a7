# make bench: rules live here (being written).
