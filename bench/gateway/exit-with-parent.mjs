// Preloaded (--import) into the Lakegate child: when the benchmark dies without cleaning up (SIGKILL), the
// IPC channel closes and the gateway goes with it instead of holding its port. The channel is unref'd so
// it never keeps the gateway alive on its own.

process.channel?.unref();
process.on('disconnect', () => process.exit(0));
