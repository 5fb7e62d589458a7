# make fuzz: rules live here (being written).
