#!/bin/sh
set -e
go build -o /tmp/orders .
