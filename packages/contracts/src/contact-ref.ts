import { z } from 'zod';

/** The contact a conversation or call is with, as lists show it. */
export const ContactRef = z.object({ id: z.uuid(), displayName: z.string() });
export type ContactRef = z.infer<typeof ContactRef>;
