// Package queue names Folio's background tasks and builds them. The API
// enqueues with these constructors; worker/ holds the handlers.
package queue

import (
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Queue names, by priority. The worker weighs them 6:3:1.
const (
	QueueCritical = "critical"
	QueueDefault  = "default"
	QueueLow      = "low"
)

// Names lists every queue Folio's tasks go to, so that a queue can be
// watched before its first task.
func Names() []string {
	return []string{QueueCritical, QueueDefault, QueueLow, QueueDemo, QueueExports}
}

// RedisConnOpt adapts go-redis options to asynq's.
func RedisConnOpt(opt *redis.Options) asynq.RedisClientOpt {
	return asynq.RedisClientOpt{
		Network:   opt.Network,
		Addr:      opt.Addr,
		Username:  opt.Username,
		Password:  opt.Password,
		DB:        opt.DB,
		PoolSize:  opt.PoolSize,
		TLSConfig: opt.TLSConfig,
	}
}

// FailoverConnOpt is asynq's connection through Redis Sentinel, from the
// go-redis failover options: asynq's clients and servers follow the
// master through a failover as the app's own client does.
func FailoverConnOpt(opt *redis.FailoverOptions) asynq.RedisFailoverClientOpt {
	return asynq.RedisFailoverClientOpt{
		MasterName:       opt.MasterName,
		SentinelAddrs:    opt.SentinelAddrs,
		SentinelUsername: opt.SentinelUsername,
		SentinelPassword: opt.SentinelPassword,
		Username:         opt.Username,
		Password:         opt.Password,
		DB:               opt.DB,
		PoolSize:         opt.PoolSize,
		TLSConfig:        opt.TLSConfig,
	}
}
