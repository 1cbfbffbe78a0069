/**
 * The database role global configs are written as. It cannot log in: the operator command
 * connects with the admin credential (DATABASE_URL) and assumes it, so only whoever holds that
 * credential can change a global config, never the running services (their `plattform_app` role
 * has no global write policy) and never a tenant request.
 */
export const CONFIG_OPERATOR_ROLE = 'plattform_config_operator';
