package server

// RoomLocksHeld is how many rooms have a lock in use, for tests that check
// that long work holds up no room.
func (s *Server) RoomLocksHeld() int { return s.roomLocks.held() }
