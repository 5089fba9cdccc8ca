"""truelevel backend: settings, data, domain services and the REST contract."""
