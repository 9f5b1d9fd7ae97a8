package acmetls

import (
	"net"
	"strings"
)

func splitHost(hostport string) (string, string, error) {
	if !strings.Contains(hostport, ":") {
		return hostport, "", nil
	}
	return net.SplitHostPort(hostport)
}
