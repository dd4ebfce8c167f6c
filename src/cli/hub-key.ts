/**
 * The node's key for `mantra hub import-node`. A key in argv shows in `ps` and the shell history, so the ways to
 * give it are MANTRA_HUB_NODE_KEY or `--key -` (one line read from stdin); `--key KEY` still works, with a warning.
 */
import { t } from './messages.ts';

export interface KeySources {
  /** --key as given. */
  flag?: string;
  /** MANTRA_HUB_NODE_KEY. */
  env?: string;
  /** All of stdin, for `--key -`. */
  stdin: () => Promise<string>;
  warn: (line: string) => void;
}

/** The key, or undefined when none was given (an import of operations already stored keeps theirs). */
export async function hubNodeKey(from: KeySources): Promise<string | undefined> {
  if (from.flag === '-') {
    const key = (await from.stdin()).replace(/\r?\n$/, '');
    if (!key) throw new Error(t('hub_key_stdin_empty'));
    return key;
  }
  if (from.flag) {
    from.warn(t('hub_key_argv'));
    return from.flag;
  }
  return from.env || undefined;
}
