"""The surface shader: vertex colours lit from the upper left, both sides, never too dark."""

from __future__ import annotations

from pyqtgraph.opengl import shaders

SURFACE = shaders.ShaderProgram("gradviz_surface", [
    shaders.VertexShader("""
        uniform mat4 u_mvp;
        uniform mat3 u_normal;
        attribute vec4 a_position;
        attribute vec3 a_normal;
        attribute vec4 a_color;
        varying vec4 v_color;
        varying vec3 v_normal;
        void main() {
            v_normal = normalize(u_normal * a_normal);
            v_color = a_color;
            gl_Position = u_mvp * a_position;
        }
    """),
    shaders.FragmentShader("""
        #ifdef GL_ES
        precision mediump float;
        #endif
        varying vec4 v_color;
        varying vec3 v_normal;
        void main() {
            vec3 n = normalize(v_normal);
            float key = abs(dot(n, normalize(vec3(-0.4, 0.6, 1.0))));
            float fill = abs(dot(n, normalize(vec3(0.6, -0.3, 0.5))));
            float light = 0.42 + 0.50 * key + 0.12 * fill;
            gl_FragColor = vec4(min(v_color.rgb * light, vec3(1.0)), v_color.a);
        }
    """),
])
