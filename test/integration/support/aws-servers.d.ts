/** The AWS-protocol test servers ship no types; the tests type what they use. */
declare module 'dynalite';
declare module 's3rver';
