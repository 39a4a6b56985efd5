package dev.bpftime.compat.maps;

/**
 * What an update of a map of maps does before it writes the inner map's id into the slot: makes that
 * map reachable by id wherever a program may read the slot, so that no program finds an id it cannot
 * resolve (the kernel's slot holds the map pointer itself, so it has no such window). The service
 * pushes the map to every agent that has the outer map and waits for their acknowledgement
 * (agent/AgentHub#placeInner); without agents there is nothing to do.
 */
@FunctionalInterface
public interface InnerMapPublisher {

    InnerMapPublisher NONE = (outer, inner) -> { };

    /** Returns once {@code inner} is reachable wherever {@code outer} is (or the agents that lag were given up on). */
    void publish(EmulatedMap outer, EmulatedMap inner);
}
