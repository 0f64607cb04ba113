"""Capacity, queues and user-equilibrium assignment of freight demand."""
