import { Command } from 'commander';
import { parseEmail } from '../../../domain/user/email.js';
import { usageChecked } from '../errors.js';
import { writeLine, type CliIo } from '../io.js';
import type { WithRuntime } from '../runtime-session.js';

const emailArgument = usageChecked((raw: string) => parseEmail(raw));

export function grantAdminCommand(io: CliIo, withRuntime: WithRuntime): Command {
  return new Command('grant-admin')
    .description('Give the account with this email the admin role (recorded as UserRoleChanged).')
    .argument('<email>', 'email of an existing account', emailArgument)
    .addHelpText('after', '\nThe new role is in tokens issued from the next login or refresh on.')
    .action(async (email: string) => {
      await withRuntime(async (runtime) => {
        const { userId, role } = await runtime.useCases.operator.setRole(email, 'admin');
        await writeLine(io.out, `${email} (user ${userId}) now has the role ${role}.`);
      });
    });
}

export function revokeAdminCommand(io: CliIo, withRuntime: WithRuntime): Command {
  return new Command('revoke-admin')
    .description('Take the admin role from the account with this email and revoke its sessions.')
    .argument('<email>', 'email of an existing account', emailArgument)
    .addHelpText(
      'after',
      '\nTokens carry the role, so a demotion revokes every session of the account; other instances\nreject its tokens within a second.',
    )
    .action(async (email: string) => {
      await withRuntime(async (runtime) => {
        // The demotion ends the user's sessions, listed from the sessions read model: it must be
        // current first (from its checkpoint: another process may have appended since).
        await runtime.catchUpReadModels();
        const { userId, role } = await runtime.useCases.operator.setRole(email, 'user');
        await writeLine(
          io.out,
          `${email} (user ${userId}) now has the role ${role}; an admin's sessions were revoked.`,
        );
      });
    });
}
