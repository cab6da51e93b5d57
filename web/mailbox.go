package web

func (s *Server) mailboxRoutes() {
	// TODO: the administrators' mailbox page.
}
