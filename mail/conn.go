package mail

import (
	"context"
	"net"
	"sync"
)

// sendConns dials the connections of one Send and closes them when the Send's
// context is done or when the Send returns.
//
// go-mail v0.8.1 uses the context given to DialAndSendWithContext only while
// dialing, so a cancelled Send would otherwise run on until the SMTP timeout.
// go-mail also leaves the connection open when EHLO or STARTTLS fails.
type sendConns struct {
	ctx  context.Context
	dial func(ctx context.Context, network, addr string) (net.Conn, error)

	mu    sync.Mutex
	conns []net.Conn
	stops []func() bool
}

func (c *sendConns) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	conn, err := c.dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	c.conns = append(c.conns, conn)
	c.stops = append(c.stops, context.AfterFunc(c.ctx, func() { conn.Close() }))
	return conn, nil
}

// closeAll closes every connection dialed so far. Closing one that go-mail has
// already closed after QUIT returns an error, which closeAll ignores.
func (c *sendConns) closeAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, stop := range c.stops {
		stop()
	}
	for _, conn := range c.conns {
		conn.Close()
	}
	c.stops, c.conns = nil, nil
}
