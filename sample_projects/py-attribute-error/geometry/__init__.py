from geometry.grid import distance, snap_down
