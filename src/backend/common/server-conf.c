/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <string.h>

#include "backend/common/server-conf.h"

void
server_conf_init(struct server_conf *c, const struct backend_params *p)
{
	c->account = g_strdup(p->account);
	c->host = g_strdup(p->host);
	c->port = p->port;
	c->tls = p->tls;
	c->user = g_strdup(p->user);
	c->password = g_strdup(p->password);
	c->password_command = g_strdup(p->password_command);
	c->ca_file = g_strdup(p->ca_file);
	c->fingerprint = g_strdup(p->fingerprint);
	c->accepted = g_strdup(p->accepted);
	c->pin_file = g_strdup(p->pin_file);
	c->verify = p->verify;
	c->timeout = p->timeout;
}

void
server_conf_clear(struct server_conf *c)
{
	if (c->password != NULL)
		explicit_bzero(c->password, strlen(c->password));
	g_free(c->password);
	g_free(c->account);
	g_free(c->host);
	g_free(c->user);
	g_free(c->password_command);
	g_free(c->ca_file);
	g_free(c->fingerprint);
	g_free(c->accepted);
	g_free(c->pin_file);
	memset(c, 0, sizeof(*c));
}

struct net_tls_opts
server_conf_tls(const struct server_conf *c)
{
	struct net_tls_opts tls = {
		.ca_file = c->ca_file,
		.fingerprint = c->fingerprint,
		.accepted = c->accepted,
		.pin_file = c->pin_file,
		.verify = c->verify,
	};

	return tls;
}
