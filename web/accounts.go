package web

func (s *Server) accountRoutes() {
	// TODO: people and accounts.
}
