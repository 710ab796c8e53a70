export * from './common.js';
export * from './auth.js';
export * from './numbers.js';
export * from './messaging.js';
export * from './calls.js';
export * from './plans.js';
export * from './realtime.js';
export * from './sms-segments.js';
