s/after [0-9]+ ms/after N ms/
