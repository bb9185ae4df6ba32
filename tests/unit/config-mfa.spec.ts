import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/infrastructure/config/config.js';

describe('MFA_REQUIRED_FOR_ADMINS (issue 12)', () => {
  it('is off by default, on with true or 1, and refuses anything else naming the variable', () => {
    expect(loadConfig({}).mfaRequiredForAdmins).toBe(false);
    expect(loadConfig({ MFA_REQUIRED_FOR_ADMINS: 'true' }).mfaRequiredForAdmins).toBe(true);
    expect(loadConfig({ MFA_REQUIRED_FOR_ADMINS: '1' }).mfaRequiredForAdmins).toBe(true);
    expect(loadConfig({ MFA_REQUIRED_FOR_ADMINS: 'false' }).mfaRequiredForAdmins).toBe(false);
    expect(() => loadConfig({ MFA_REQUIRED_FOR_ADMINS: 'yes please' })).toThrow(
      /^Invalid configuration: MFA_REQUIRED_FOR_ADMINS must be true or false/,
    );
  });
});
