"""The surface shader: vertex colours lit from the upper left, both sides, never too dark; cut
cleanly at the height range (fragments outside it are discarded, with a thin dark edge along the cut)."""

from __future__ import annotations

from pyqtgraph.opengl import shaders

_VERTEX = shaders.VertexShader("""
        uniform mat4 u_mvp;
        uniform mat3 u_normal;
        attribute vec4 a_position;
        attribute vec3 a_normal;
        attribute vec4 a_color;
        varying vec4 v_color;
        varying vec3 v_normal;
        varying float v_z;
        varying float v_slope;
        void main() {
            v_normal = normalize(u_normal * a_normal);
            v_color = a_color;
            v_z = a_position.z;
            v_slope = length(a_normal.xy) / max(abs(a_normal.z), 0.001);  // |∇z| from the exact normal
            gl_Position = u_mvp * a_position;
        }
    """)

_FRAGMENT = """
        #ifdef GL_ES
        precision mediump float;
        #endif
        uniform float u_clip[5];
        varying vec4 v_color;
        varying vec3 v_normal;
        varying float v_z;
        varying float v_slope;
        void main() {
            float below = v_z - u_clip[0];
            float above = u_clip[1] - v_z;
            if (below < 0.0 || above < 0.0) discard;
            // distance to a cut that really removes surface (u_clip[3], u_clip[4]: cut below, above)
            float inside = min(u_clip[3] > 0.5 ? below : 1e30, u_clip[4] > 0.5 ? above : 1e30);
            vec3 n = normalize(v_normal);
            float key = abs(dot(n, normalize(vec3(-0.4, 0.6, 1.0))));
            float fill = abs(dot(n, normalize(vec3(0.6, -0.3, 0.5))));
            float light = 0.42 + 0.50 * key + 0.12 * fill;
            vec3 rgb = min(v_color.rgb * light, vec3(1.0));
            // the cut edge: a thin dark band, about u_clip[2] wide in x and y, never more than 2 % of the height
            if (inside < min(u_clip[2] * max(v_slope, 0.05), 0.02 * u_clip[1])) rgb = rgb * 0.35;
            gl_FragColor = vec4(rgb, v_color.a);
        }
    """

_count = [0]


def clipped_surface(height: float, edge: float = 0.01) -> shaders.ShaderProgram:
    """A surface program of its own (its cut is a uniform: u_clip = [0, height, edge, cut below,
    cut above]), drawing 0 ≤ z ≤ height with a dark band about `edge` wide in x and y along each cut
    that removes surface."""
    _count[0] += 1
    return shaders.ShaderProgram(f"gradviz_clipped_surface_{_count[0]}", [_VERTEX, shaders.FragmentShader(_FRAGMENT)],
                                 uniforms={"u_clip": [0.0, float(height), float(edge), 1.0, 1.0]})

