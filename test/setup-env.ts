import 'reflect-metadata';

// The Google auth library would otherwise probe the GCE metadata server on loopback-only machines.
process.env.METADATA_SERVER_DETECTION = 'none';
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'silent';
