"""Official geography (communes, EPCI, départements), territory kinds, and the diagnostic."""
